// Package plots draws hw1's figures with gonum/plot.
//
// The chart kinds, one file each, turn plain series into a Figure: LineChart (many
// curves, optionally on a log y axis), PredictionChart (models against a ground-truth
// curve), TrajectoryChart (annotated 2-D paths, for PCA projections), StackedChart (two
// panels sharing the x axis), PanelChart (a row or grid of panels, for metrics against
// epochs or against a swept variable) and RatioChart (minimal ratio against loss). A
// Figure is saved as PNG and SVG side by side.
//
// On top of them, Draw reads a problem's records.csv (see package hw1/problems/records)
// and writes every figure of that problem; Figures lists them with their captions, and
// every problem of records.Problems has figures. The package imports problems/records
// but never problems, and needs neither cgo nor TensorFlow.
package plots
