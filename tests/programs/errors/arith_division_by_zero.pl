% Integer division by zero while grounding.
% expect: GroundingError at 4:8|4:6
0.5::a.
q :- X is 1 mod 0, a.
query(q).
