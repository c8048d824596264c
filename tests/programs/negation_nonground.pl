% Covers: negation of a goal with an unbound variable (\+ p(_)): true when no instance holds;
% and negation after the variable is bound by an earlier goal.
0.3::p(1).
0.5::p(2).
item(1).
item(2).
item(3).
nothing :- \+ p(_).
missing(X) :- item(X), \+ p(X).
query(nothing).
query(missing(1)).
query(missing(2)).
query(missing(3)).
