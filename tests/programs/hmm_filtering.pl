% A hidden Markov model: two weather states, an umbrella seen or not each day, the weather
% on the last day given every observation. Emissions are conditioned on the state atom, so
% they meet their day's transitions only through it (a variable order must still place
% them together for the diagram to stay linear in the number of days).
0.5::weather(0, rain); 0.5::weather(0, sun).
0.7::next(D, rain, rain); 0.3::next(D, rain, sun) :- between(1, 12, D).
0.3::next(D, sun, rain); 0.7::next(D, sun, sun) :- between(1, 12, D).
weather(D, W) :- D > 0, P is D - 1, weather(P, V), next(D, V, W).
0.9::umbrella(D) :- between(0, 12, D), weather(D, rain).
0.2::umbrella(D) :- between(0, 12, D), weather(D, sun).
evidence(umbrella(0), true).
evidence(umbrella(1), true).
evidence(umbrella(2), false).
evidence(umbrella(3), true).
evidence(umbrella(4), true).
evidence(umbrella(5), false).
evidence(umbrella(6), false).
evidence(umbrella(7), true).
evidence(umbrella(8), true).
evidence(umbrella(9), true).
evidence(umbrella(10), false).
evidence(umbrella(11), true).
evidence(umbrella(12), true).
query(weather(12, rain)).
query(weather(6, sun)).
