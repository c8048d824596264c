% An atom that depends on its own negation, behind a probabilistic fact.
% expect: NegativeCycleError at 4:9
0.5::c.
a :- c, \+ a.
query(a).
