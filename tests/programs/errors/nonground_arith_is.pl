% Arithmetic on an unbound variable: Y is X + 1 with X free. (p/1 with a bound argument is
% fine.) ProbLog points at the "is" operator; the start of the goal is accepted too.
% expect: GroundingError at 7:8|7:6
p(X) :- Y is X + 1, Y > 0.
query(p(1)).
0.5::a.
q :- Y is X + 1, a.
query(q).
