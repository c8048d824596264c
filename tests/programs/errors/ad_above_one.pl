% An annotated disjunction whose probabilities sum above 1 (ProbLog 2.3 silently accepts
% this one; problogic rejects it).
% expect: ProgramError at 4:1|4:4|4:7|4:9|4:12
0.6::a; 0.5::b.
query(a).
