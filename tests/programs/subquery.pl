% Covers: subquery/2 (the probability of a goal, computed inside the program) and
% subquery/3 with evidence. The numbers are chosen so that the computed probabilities (which
% appear inside the printed query atoms) are exact binary fractions or correctly rounded.
0.5::a.
0.25::b.
c :- a ; b.
p(P) :- subquery(c, P).
pa(P) :- subquery(a, P, [c]).
big :- subquery(c, P), P > 0.6.
query(p(_)).
query(pa(_)).
query(big).
