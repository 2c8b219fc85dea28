import Foundation
import XCTest
@testable import LRPKit

/// `load image` / `load images` against Fixtures/images, written by make_images.py's pure-Python
/// PNG writer (every colour type, bit depths 1-16, Adam7 interlacing, all five row filters) with
/// the pixel values it expects beside each file.
final class ImageFileTests: XCTestCase {
    static let folder = IOTests.testsFolder.appendingPathComponent("Fixtures/images").path

    /// `H W C` then the expected samples (0...255) of FILE.png.
    func expected(_ png: String) throws -> (shape: [Int], samples: [UInt8]) {
        let text = try String(contentsOfFile: String(png.dropLast(4)) + ".expected.txt", encoding: .utf8)
        let lines = text.split(separator: "\n")
        return (lines[0].split(separator: " ").map { Int($0)! }, lines[1].split(separator: " ").map { UInt8($0)! })
    }

    func testEveryKindOfPNGGivesItsPixels() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder)
            .filter { $0.hasSuffix(".png") && $0 != "truncated.png" && $0 != "gray16-interlaced-gamma.png" }.sorted()
        // gray 1/2/4/8/16 bits each plain and interlaced, gray+alpha 8 and 16 (interlaced), RGB 16 interlaced, RGB 8 (plain, interlaced) and
        // 16, RGBA, palettes of 1/2/4/8 bits and one with transparency
        XCTAssertEqual(files.count, 22, "\(files)")
        for file in files {
            let path = Self.folder + "/" + file
            let (shape, samples) = try expected(path)
            let pixels = try ImageFile.readPixels(path)
            XCTAssertEqual([pixels.height, pixels.width, pixels.channels], shape, file)
            XCTAssertEqual(pixels.samples, samples, file)
        }
    }

    func testScalingIsMNISTsUnlessARangeIsGiven() throws {
        let path = Self.folder + "/rgb8.png"
        let samples = try expected(path).samples
        let x = try ImageFile.read(path)
        XCTAssertEqual(x.shape, [7, 5, 3])
        // The MNIST data's scaling, bit for bit (computed in double, rounded to float32).
        XCTAssertEqual(x.scalars, samples.map { Float(Double($0) / 255 * 2 - 1) })
        XCTAssertEqual(x.scalars, samples.map(Dataset.scaled))
        let unit = try ImageFile.read(path, low: 0, high: 1)
        for (a, p) in zip(unit.scalars, samples) { XCTAssertEqual(a, Float(p) / 255, accuracy: 1e-6) }
    }

    func testAFolderOfSubFoldersIsALabelledDataset() throws {
        let d = try Dataset.loadImages(folder: Self.folder + "/folder")
        XCTAssertEqual(d.labels, [0, 0, 3])          // sub-folder names are the labels; .txt files are skipped
        XCTAssertEqual(d.classCount, 4)
        XCTAssertEqual(d.images.shape, [3, 3, 4, 1])
        var pixels: [UInt8] = []
        for name in ["0/0", "0/1", "3/0"] { pixels += try expected(Self.folder + "/folder/\(name).png").samples }
        XCTAssertEqual(d.pixels, pixels)
        XCTAssertEqual(try Dataset.loadImages(folder: Self.folder + "/folder", classCount: 10).targets.shape, [3, 10])
        // Subsets keep the channels.
        XCTAssertEqual(try d.subset([2, 0]).labels, [3, 0])
    }

    /// 16-bit interlaced files go through libpng's linear path, which would convert gamma-tagged
    /// ones: those are refused rather than misread.
    func testSixteenBitInterlacedFilesWithGammaAreRefusedNotMisread() {
        XCTAssertThrowsError(try ImageFile.read(Self.folder + "/gray16-interlaced-gamma.png")) { error in
            XCTAssertTrue("\(error)".contains("16-bit interlaced PNGs with a gAMA chunk are not supported"), "\(error)")
        }
    }

    func testBrokenFilesAndFoldersAreErrorsNamingThePath() {
        XCTAssertThrowsError(try ImageFile.read(Self.folder + "/truncated.png")) { error in
            XCTAssertTrue("\(error)".contains("truncated.png"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFile.read(Self.folder + "/make_images.py")) { error in
            XCTAssertTrue("\(error)".contains("not a readable PNG"), "\(error)")
        }
        // A folder without sub-folders has no labels.
        XCTAssertThrowsError(try Dataset.loadImages(folder: Self.folder + "/folder/0")) { error in
            XCTAssertTrue("\(error)".contains("no sub-folders"), "\(error)")
        }
        XCTAssertThrowsError(try Dataset.loadImages(folder: Self.folder + "/none"))
    }

    func testPicturesOfDifferentSizesDoNotMakeADataset() throws {
        let scratch = NSTemporaryDirectory() + "lrps-images-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (sub, file) in [("a", "gray8.png"), ("b", "rgb8.png")] {
            try FileManager.default.createDirectory(atPath: scratch + "/" + sub, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.folder + "/" + file, toPath: scratch + "/\(sub)/x.png")
        }
        XCTAssertThrowsError(try Dataset.loadImages(folder: scratch)) { error in
            XCTAssertTrue("\(error)".contains("b/x.png: is 7x5x3, but"), "\(error)")
        }
    }

    func testNoiseThatDoesNotCompressRoundTripsAtEveryChannelCount() throws {
        // Random pixels are the worst case for the single-pass encoder's buffer (deflate stores them).
        var state: UInt32 = 12345
        for channels in [1, 3, 4] {
            let (width, height) = (301, 97)
            let pixels = (0..<(width * height * channels)).map { _ -> UInt8 in
                state = state &* 1664525 &+ 1013904223
                return UInt8(truncatingIfNeeded: state >> 24)
            }
            let image = try Image(width: width, height: height, channels: channels, pixels: pixels)
            let bytes = try PNGFile.encode(image, path: "noise.png")
            XCTAssertGreaterThan(bytes.count, pixels.count, "noise should not compress")
            let back = try PNGFile.decode(bytes, path: "noise.png")
            XCTAssertEqual(back.pixels, pixels, "\(channels) channels")
            XCTAssertEqual(back.channels, channels)
        }
    }
}
