% Covers: the :- unknown(fail). directive: calls to predicates without clauses fail instead of
% raising an error.
:- unknown(fail).
0.5::a.
p :- a, undefined_thing.
q :- a ; undefined_other(1).
query(p).
query(q).
query(nothing_here).
