% Covers: annotated disjunctions summing below 1: an implicit "none" choice holds with the
% remaining probability, observable through negation.
0.1::low; 0.2::mid; 0.3::high.
0.4::x(1); 0.4::x(2).
none :- \+ low, \+ mid, \+ high.
some_x :- x(_).
query(low).
query(mid).
query(high).
query(none).
query(x(1)).
query(x(2)).
query(some_x).
