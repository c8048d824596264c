% An annotated disjunction in a clause head whose probabilities sum above 1.
% expect: ProgramError at 4:1|4:4|4:7|4:9|4:12|4:16
0.5::c.
0.6::a; 0.6::b :- c.
query(a).
