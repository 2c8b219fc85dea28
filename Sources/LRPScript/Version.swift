/// The version `lrps --version` prints; independent of LRPKit so the CLI can be versioned on its own.
let lrpsVersion = "0.1.0"
