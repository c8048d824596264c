% A hidden Markov model over 100 days: the weather (rain or sun) follows a Markov chain and
% an umbrella is seen with a probability that depends on it. Given the umbrella on every day
% (seen on two days out of three, and on none of the last three), what was the weather on
% the last day, and on day 50? A variable order that keeps each day's variables together
% keeps the diagram linear in the number of days.
day(D) :- between(0, 100, D).
0.5::weather(0, rain); 0.5::weather(0, sun).
0.7::next(D, rain, rain); 0.3::next(D, rain, sun) :- day(D), D > 0.
0.3::next(D, sun, rain); 0.7::next(D, sun, sun) :- day(D), D > 0.
weather(D, W) :- day(D), D > 0, P is D - 1, weather(P, V), next(D, V, W).
0.9::umbrella(D) :- day(D), weather(D, rain).
0.2::umbrella(D) :- day(D), weather(D, sun).

seen(D, false) :- day(D), D >= 98.
seen(D, true) :- day(D), D < 98, D mod 3 =\= 2.
seen(D, false) :- day(D), D < 98, D mod 3 =:= 2.
evidence(umbrella(D), V) :- seen(D, V).

query(weather(100, rain)).
query(weather(50, rain)).
