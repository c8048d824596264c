% Integer division by zero while grounding. Accepted locations: the "is" operator (ProbLog),
% the start of the goal, the start of the failing expression.
% expect: GroundingError at 5:8|5:6|5:11
0.5::a.
q :- X is 1 mod 0, a.
query(q).
