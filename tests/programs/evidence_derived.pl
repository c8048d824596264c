% Covers: evidence on atoms derived through several rules: conditioning propagates back to
% the probabilistic facts and forward to other queries.
0.1::fire.
0.2::smoke_machine.
0.3::cooking.
smoke :- fire.
smoke :- smoke_machine.
smoke :- cooking.
heat :- fire.
heat :- cooking.
0.9::alarm :- smoke.
evidence(alarm, true).
evidence(heat, false).
query(fire).
query(smoke_machine).
query(cooking).
query(smoke).
