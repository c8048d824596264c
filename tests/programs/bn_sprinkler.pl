% Covers: the sprinkler Bayesian network with conditional probability tables written as
% probabilistic rules over negated parents, and negative evidence.
0.5::cloudy.
0.1::sprinkler :- cloudy.
0.5::sprinkler :- \+ cloudy.
0.8::rain :- cloudy.
0.2::rain :- \+ cloudy.
0.99::wet :- sprinkler, rain.
0.90::wet :- sprinkler, \+ rain.
0.90::wet :- \+ sprinkler, rain.
evidence(wet).
evidence(sprinkler, false).
query(cloudy).
query(rain).
