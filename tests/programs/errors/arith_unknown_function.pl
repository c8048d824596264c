% An arithmetic expression with an unknown function (foo/0). Accepted locations: the "is"
% operator (ProbLog), the start of the goal, the unknown function itself.
% expect: GroundingError at 5:8|5:6|5:11
0.5::a.
q :- X is foo + 1, a.
query(q).
