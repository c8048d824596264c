% Covers: deterministic rules over probabilistic facts: conjunction, several clauses for one
% head (disjunction), chains of rules, rules with shared variables.
0.8::parent(ann, bob).
0.6::parent(bob, carl).
0.7::parent(bob, dora).
parent(carl, eve).
grandparent(X, Z) :- parent(X, Y), parent(Y, Z).
ancestor(X, Y) :- parent(X, Y).
ancestor(X, Y) :- parent(X, Z), ancestor(Z, Y).
has_grandchild(X) :- grandparent(X, _).
query(grandparent(ann, carl)).
query(grandparent(ann, dora)).
query(ancestor(ann, eve)).
query(has_grandchild(ann)).
query(has_grandchild(bob)).
