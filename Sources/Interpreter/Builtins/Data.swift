import LRPKit

/// Loading and saving data sets, tensors and networks.
let dataBuiltins: [Builtin] = []
