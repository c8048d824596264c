% Covers: non-ground queries: every ground answer found by grounding is reported, including
% answers whose probability is 0 and answers of deterministic atoms.
0.3::likes(ann, tea).
0.6::likes(ann, coffee).
0.0::likes(bob, tea).
likes(carl, water).
drinks(X, D) :- likes(X, D).
query(likes(_, _)).
query(drinks(ann, _)).
query(drinks(_, water)).
