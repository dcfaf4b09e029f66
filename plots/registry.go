package plots

// registry lists the problems' figures in the homework's order.
var registry = []problemFigures{figures11, figures12, figures21, figures22, figures31, figures32, figures33}
