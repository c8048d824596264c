% Decisions (problogic dt): take the umbrella, wear the raincoat, both or neither? Wind may
% break the umbrella; staying dry is worth 60.
0.3::rain.
0.5::wind.
?::umbrella.
?::raincoat.

broken_umbrella :- umbrella, rain, wind.
dry :- rain, raincoat.
dry :- rain, umbrella, \+ broken_umbrella.
dry :- \+ rain.

utility(broken_umbrella, -40).
utility(raincoat, -20).
utility(umbrella, -2).
utility(dry, 60).
