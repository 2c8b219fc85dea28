// The lrps command interpreter: source -> tokens -> syntax tree -> evaluation.
