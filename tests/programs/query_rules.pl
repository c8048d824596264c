% Covers: queries given by rules (query(p(X)) :- q(X).): one query per body solution.
0.2::p(1).
0.4::p(2).
0.6::p(3).
0.8::p(4).
wanted(2).
wanted(4).
query(p(X)) :- wanted(X).
query(pair(X, Y)) :- wanted(X), wanted(Y), X < Y.
pair(X, Y) :- p(X), p(Y).
