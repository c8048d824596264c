% Covers: forall/2 with a deterministic generator and probabilistic tests.
:- use_module(library(lists)).
0.9::works(c1).
0.8::works(c2).
0.5::works(c3).
component(c1).
component(c2).
system_ok :- forall(component(C), works(C)).
all_members_ok :- forall(member(C, [c1, c3]), works(C)).
empty_ok :- forall(member(_, []), fail).
query(system_ok).
query(all_members_ok).
query(empty_ok).
