% Covers: smokers-and-friends with evidence on smoking and asthma.
person(1).
person(2).
person(3).
0.3::stress(X) :- person(X).
0.2::influences(X, Y) :- person(X), person(Y).
friend(1, 2).
friend(2, 1).
friend(2, 3).
friend(3, 1).
smokes(X) :- stress(X).
smokes(X) :- friend(X, Y), influences(Y, X), smokes(Y).
0.4::asthma(X) :- smokes(X).
evidence(smokes(2), true).
evidence(asthma(3), false).
query(smokes(1)).
query(smokes(3)).
query(stress(2)).
query(influences(1, 2)).
