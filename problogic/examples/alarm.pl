% Pearl's burglary alarm as a ProbLog program: probabilistic facts, probabilistic rules,
% negation and evidence. Who called? What caused the alarm?
0.1::burglary.
0.2::earthquake.
0.9::alarm :- burglary, earthquake.
0.8::alarm :- burglary, \+ earthquake.
0.1::alarm :- \+ burglary, earthquake.

person(mary).
person(john).
0.8::calls(X) :- alarm, person(X).
0.1::calls(X) :- \+ alarm, person(X).

evidence(calls(john), true).
evidence(calls(mary), true).
query(burglary).
query(earthquake).
