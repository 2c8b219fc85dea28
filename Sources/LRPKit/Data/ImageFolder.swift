import Foundation

extension Dataset {
    /// A data set of the PNG pictures in the sub-folders of `folder`, labelled by sub-folder:
    /// sub-folders named by whole numbers (`0`, `7`) give those labels, otherwise the sub-folders
    /// in name order get 0, 1, 2, ... (torchvision's ImageFolder). Files not ending in `.png` are
    /// skipped; all pictures must have one size and channel count. `classCount` defaults to the
    /// largest label + 1.
    public static func loadImages(folder: String, classCount: Int? = nil, low: Double = -1, high: Double = 1) throws -> Dataset {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LRPError.file(path: folder, "no such folder")
        }
        let entries = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let classes = entries.filter { entry in
            var sub: ObjCBool = false
            return manager.fileExists(atPath: folder + "/" + entry, isDirectory: &sub) && sub.boolValue
        }
        guard !classes.isEmpty else {
            throw LRPError.file(path: folder, "has no sub-folders; the labels come from sub-folder names (FOLDER/0/a.png, FOLDER/1/b.png, ...)")
        }
        let numbered = classes.allSatisfy { Int($0).map { (0..<(1 << 20)).contains($0) } ?? false }
        let labelOf = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, numbered ? Int($1)! : $0) })
        var pixels: [UInt8] = [], labels: [Int] = []
        var first: (path: String, pixels: ImageFile.Pixels)?
        for name in classes {
            let sub = folder + "/" + name
            let files = ((try? manager.contentsOfDirectory(atPath: sub)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
            for file in files {
                let path = sub + "/" + file
                let picture = try ImageFile.readPixels(path)
                if let first, (first.pixels.height, first.pixels.width, first.pixels.channels) != (picture.height, picture.width, picture.channels) {
                    throw LRPError.file(path: path, "is \(picture.height)x\(picture.width)x\(picture.channels), but \(first.path) is \(first.pixels.height)x\(first.pixels.width)x\(first.pixels.channels); all pictures of a data set need one size")
                }
                if first == nil { first = (path, picture) }
                let (total, overflow) = pixels.count.addingReportingOverflow(picture.samples.count)
                guard !overflow, total <= Tensor.maximumElementCount else {
                    throw LRPError.tooLarge("\(folder): the pictures hold more than the limit of \(Tensor.maximumElementCount) values")
                }
                pixels += picture.samples
                labels.append(labelOf[name]!)
            }
        }
        guard let first else { throw LRPError.file(path: folder, "its sub-folders hold no .png files") }
        let count = classCount ?? (labels.max()! + 1)
        return try Dataset(name: "images \((folder as NSString).lastPathComponent)", pixels: pixels,
                           height: first.pixels.height, width: first.pixels.width, channels: first.pixels.channels,
                           labels: labels, classCount: count, low: low, high: high)
    }
}
