% Covers: number formatting of the command line (ProbLog prints probabilities with %.8g:
% 1 and 0 without a decimal point, 8 significant digits, exponent notation below 1e-4) and
% the sorting of output lines by the text of the atom (p(10) before p(2)).
0.00001::tiny.
0.000123::small.
0.12345678912::long.
1/3::third.
0.999999999::almost.
1.0::one.
0.0::zero.
0.5::p(2).
0.25::p(10).
0.125::p(-1).
0.5::'Upper'.
query(tiny).
query(small).
query(long).
query(third).
query(almost).
query(one).
query(zero).
query(p(_)).
query('Upper').
