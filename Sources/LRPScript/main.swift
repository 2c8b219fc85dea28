import LRPKit
print("lrps")
