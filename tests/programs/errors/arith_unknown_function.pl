% An arithmetic expression with an unknown function (foo/0).
% expect: GroundingError at 4:8|4:6
0.5::a.
q :- X is foo + 1, a.
query(q).
