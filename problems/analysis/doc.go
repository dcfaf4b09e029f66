// Package analysis holds the numerical analysis that hw1's experiments apply to what
// they trained: principal component projections of parameter snapshots, the
// classification of a Hessian's spectrum and the minimal ratio, Keskar et al.'s
// sharpness by projected gradient ascent, the minimisation of the gradient norm and
// the search for critical points by Levenberg–Marquardt on the gradient (FindCritical),
// Spearman's rank correlation, and summary statistics with Student-t and bootstrap
// intervals.
//
// For models too large for a full Hessian it offers what PyHessian and loss-landscape
// do, over a Hessian-vector product callback (HVP, BatchHVP): the extreme eigenvalues
// by Lanczos with full reorthogonalisation (ExtremeEigenvalues), Hutchinson's trace
// with its standard error (HutchinsonTrace), the spectral density by stochastic
// Lanczos quadrature with Gaussian broadening (SpectralDensity), each for the whole
// model or a block of parameters such as one layer (Restrict); and the planes of loss
// surfaces, from filter-normalised random directions (FilterNormalized) or from the
// PCA of a training trajectory (TrajectoryPlane).
//
// The package is pure Go on gonum: it never imports the engine. Functions that need a
// loss, its gradient or Hessian-vector products take them through small interfaces
// (Func, HessianFunc, HessianMatrixFunc), which a problem implements over its model. Every function is
// checked against numpy and scipy (testdata/gen_fixtures.py writes the fixtures).
//
// Errors are prefixed "analysis:". Functions that return an error also use it for
// arguments they cannot work with (an empty sample, a level outside (0, 1)); the plain
// statistics return NaN where a quantity is undefined (the standard deviation of one
// value, the rank correlation of a constant).
package analysis
