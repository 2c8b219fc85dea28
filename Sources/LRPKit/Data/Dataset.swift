import Foundation

/// A labelled set of images: the tutorial's MNIST test set, a sample of it, or pictures from a
/// folder (`loadImages`), gray or colour.
public struct Dataset: Equatable, Sendable {
    /// A short name for messages, e.g. "mnist t10k" or "mnist t10k sample".
    public var name: String
    /// `N x H x W x C`, pixels scaled into the tutorial's box: `p / 255 * 2 - 1` (or into
    /// `low...high`: `p / 255 * (high - low) + low`).
    public let images: Tensor
    /// The raw pixel bytes, row-major, channels interleaved, `N * H * W * C` of them.
    public let pixels: [UInt8]
    /// The range the bytes 0 and 255 are scaled to.
    public let low: Double, high: Double
    /// One class per image, each in `0..<classCount`.
    public let labels: [Int]
    public let classCount: Int

    /// Validates and scales raw pixels (`count x height x width x channels`) with their labels.
    public init(name: String, pixels: [UInt8], height: Int, width: Int, channels: Int = 1, labels: [Int],
                classCount: Int = 10, low: Double = -1, high: Double = 1) throws {
        guard height > 0, width > 0, channels > 0 else {
            throw LRPError.invalidArgument("dataset \(name): images of \(height)x\(width)x\(channels) pixels")
        }
        let (flat, overflow1) = height.multipliedReportingOverflow(by: width)
        let (area, overflow2) = flat.multipliedReportingOverflow(by: channels)
        let overflow = overflow1 || overflow2
        guard !overflow, area > 0, pixels.count % area == 0, pixels.count / area == labels.count else {
            throw LRPError.shapeMismatch(operation: "dataset \(name)",
                "\(pixels.count) pixels of \(height)x\(width) images do not match \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw LRPError.invalidArgument("dataset \(name): label \(labels[bad]) of image \(bad) is not in 0..<\(classCount)")
        }
        let shape = [labels.count, height, width, channels]
        _ = try Tensor.allocationCount(of: shape)
        self.name = name
        self.pixels = pixels
        self.labels = labels
        self.classCount = classCount
        self.low = low
        self.high = high
        images = Tensor(unchecked: shape, scalars: low == -1 && high == 1
                        ? pixels.map(Dataset.scaled) : ImageFile.scaled(pixels, low: low, high: high))
    }

    /// A pixel byte in the box [-1, 1], computed in double like numpy then rounded to float32.
    public static func scaled(_ pixel: UInt8) -> Float { Float(Double(pixel) / 255 * 2 - 1) }

    public var count: Int { labels.count }
    public var height: Int { images.shape[1] }
    public var width: Int { images.shape[2] }
    public var channels: Int { images.shape[3] }

    /// One-hot rows, `N x classCount`.
    public var targets: Tensor {
        var scalars = [Float](repeating: 0, count: labels.count * classCount)
        for (row, label) in labels.enumerated() { scalars[row * classCount + label] = 1 }
        return Tensor(unchecked: [labels.count, classCount], scalars: scalars)
    }

    /// The images at `indices`, in that order (repeats allowed, as in numpy fancy indexing).
    public func subset(_ indices: [Int], name: String? = nil) throws -> Dataset {
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw LRPError.invalidArgument("dataset \(self.name) has \(count) images, index \(bad) is out of range")
        }
        let area = height * width * channels
        let (total, overflow) = indices.count.multipliedReportingOverflow(by: area)
        guard !overflow, total <= Tensor.maximumElementCount else {
            throw LRPError.tooLarge("dataset \(self.name): \(indices.count) images of \(height)x\(width)x\(channels) pixels are more than the limit of \(Tensor.maximumElementCount) pixels")
        }
        var chosen = [UInt8]()
        chosen.reserveCapacity(total)
        for index in indices { chosen.append(contentsOf: pixels[index * area..<(index + 1) * area]) }
        return try Dataset(name: name ?? self.name, pixels: chosen, height: height, width: width, channels: channels,
                           labels: indices.map { labels[$0] }, classCount: classCount, low: low, high: high)
    }

    /// The tutorial's sample: `count` images drawn like `RandomState(seed).randint(0, N, count)`.
    public func sample(count: Int, seed: UInt32) throws -> Dataset {
        try subset(randomIndices(count: count, below: self.count, seed: seed), name: "\(name) sample")
    }
}

extension Dataset {
    /// Loads an MNIST split ("t10k" or "train") from `directory`, accepting the names in
    /// circulation: `t10k-images-idx3-ubyte` or `t10k-images.idx3-ubyte`, each raw or `.gz`.
    public static func loadMNIST(directory: String, split: String = "t10k") throws -> Dataset {
        let imagesPath = try mnistFile(in: directory, split: split, kind: "images", suffix: "idx3-ubyte")
        let labelsPath = try mnistFile(in: directory, split: split, kind: "labels", suffix: "idx1-ubyte")
        return try loadIDX(images: imagesPath, labels: labelsPath, name: "mnist \(split)")
    }

    /// Loads an IDX image file (`N x H x W` bytes) with its IDX label file.
    public static func loadIDX(images imagesPath: String, labels labelsPath: String, name: String) throws -> Dataset {
        let images = try IDXFile.read(imagesPath, magic: IDXFile.imagesMagic)
        let labels = try IDXFile.read(labelsPath, magic: IDXFile.labelsMagic)
        let (area, overflow) = images.shape[1].multipliedReportingOverflow(by: images.shape[2])
        guard images.shape[1] > 0, images.shape[2] > 0 else {
            throw LRPError.file(path: imagesPath, "images of \(images.shape[1])x\(images.shape[2]) pixels hold nothing")
        }
        guard !overflow, area <= Tensor.maximumElementCount else {
            throw LRPError.file(path: imagesPath, "images of \(images.shape[1])x\(images.shape[2]) pixels are larger than the memory limit of \(byteSize(MemoryBudget.limit))")
        }
        guard images.shape[0] == labels.shape[0] else {
            throw LRPError.file(path: labelsPath, "holds \(labels.shape[0]) labels, \(imagesPath) holds \(images.shape[0]) images")
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw LRPError.file(path: labelsPath, "label \(labels.bytes[bad]) of image \(bad) (byte \(8 + bad)) is not a digit 0-9")
        }
        do {
            return try Dataset(name: name, pixels: images.bytes, height: images.shape[1], width: images.shape[2],
                               labels: labels.bytes.map(Int.init))
        } catch LRPError.tooLarge(let message) {
            // The images as float32 tensors are what does not fit: say which file.
            throw LRPError.file(path: imagesPath, "\(images.shape[0]) images: \(message)")
        }
    }

    private static func mnistFile(in directory: String, split: String, kind: String, suffix: String) throws -> String {
        let stems = ["\(split)-\(kind)-\(suffix)", "\(split)-\(kind).\(suffix)"]
        let candidates = stems.flatMap { [$0, $0 + ".gz"] }
        for name in candidates {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw LRPError.file(path: directory, "no MNIST \(split) \(kind) file (looked for \(candidates.joined(separator: ", ")))")
    }
}
