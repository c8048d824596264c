% Covers: the smokers-and-friends classic: social influence through a cyclic friendship
% graph, stress as a cause, asthma from smoking.
person(ann).
person(bob).
person(carl).
person(dora).
0.3::stress(X) :- person(X).
0.2::influences(X, Y) :- person(X), person(Y).
friend(ann, bob).
friend(bob, ann).
friend(bob, carl).
friend(carl, dora).
friend(dora, bob).
smokes(X) :- stress(X).
smokes(X) :- friend(X, Y), influences(Y, X), smokes(Y).
0.4::asthma(X) :- smokes(X).
query(smokes(ann)).
query(smokes(carl)).
query(asthma(dora)).
