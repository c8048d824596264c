% Learning (problogic lfi): the alarm network of alarm.pl with every probability to learn,
% from the partial observations in alarm_learn_examples.pl (drawn from alarm.pl).
t(_)::burglary.
t(_)::earthquake.
t(_)::alarm :- burglary, earthquake.
t(_)::alarm :- burglary, \+ earthquake.
t(_)::alarm :- \+ burglary, earthquake.

person(mary).
person(john).
t(_)::calls(X) :- alarm, person(X).
t(_)::calls(X) :- \+ alarm, person(X).
