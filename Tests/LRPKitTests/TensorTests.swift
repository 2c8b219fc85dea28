import XCTest
@testable import LRPKit
