import Testing

@testable import Training

@Suite("Yin-Yang dataset")
struct YinYangTests {
    /// The published class counts: matching them is the bit-exactness check for the generator,
    /// since a single differing draw shifts every later sample.
    @Test(arguments: [
        (YinYang.Split.train, [1681, 1702, 1617]),
        (.validation, [316, 336, 348]),
        (.test, [350, 316, 334]),
    ])
    func publishedSplitsHaveThePublishedClassCounts(split: YinYang.Split, counts: [Int]) {
        let samples = YinYang.generate(split: split)
        #expect(samples.count == split.size)
        #expect(YinYang.classCounts(samples) == counts)
    }

    /// First and last samples, computed with the reference algorithm on numpy 2.4 `RandomState`.
    @Test(arguments: [
        (YinYang.Split.train, 0, 0.6803075385877797, 0.450499251969543, 2),
        (.train, 1, 0.09767211400638387, 0.6842330265121569, 1),
        (.train, 4999, 0.7690797231107925, 0.5883389337522971, 2),
        (.validation, 0, 0.6805727261759029, 0.3209733938933629, 0),
        (.validation, 999, 0.7107040957004825, 0.804733352731108, 1),
        (.test, 0, 0.23409664559563403, 0.4017249751828972, 2),
        (.test, 999, 0.32834060537145815, 0.3899830419619741, 1),
    ])
    func samplesMatchTheReferenceBitForBit(split: YinYang.Split, index: Int, x: Double, y: Double, label: Int) {
        let sample = YinYang.generate(split: split)[index]
        #expect(sample == YinYangSample(x: x, y: y, label: label))
    }

    @Test func splitsHaveThePublishedSeedsAndSizes() {
        #expect(YinYang.Split.allCases.map(\.seed) == [42, 41, 40])
        #expect(YinYang.Split.allCases.map(\.size) == [5000, 1000, 1000])
        #expect(YinYang.generate(split: .test) == YinYang.generate(seed: 40, size: 1000))
        #expect(YinYang.generate(seed: 40, size: 10) == Array(YinYang.generate(split: .test).prefix(10)))
    }

    @Test func featuresAreComplementaryAndPointsLieInTheBigCircle() {
        for split in YinYang.Split.allCases {
            for sample in YinYang.generate(split: split) {
                let f = sample.features
                #expect(f.count == 4)
                #expect(f[0] == sample.x && f[1] == sample.y)
                #expect(f[0] + f[2] == 1 && f[1] + f[3] == 1)
                #expect(f.allSatisfy { $0 >= 0 && $0 <= 1 })
                let dx = sample.x - 0.5
                let dy = sample.y - 0.5
                #expect((dx * dx + dy * dy).squareRoot() <= 0.5)
                #expect(YinYang.classify(x: sample.x, y: sample.y) == sample.label)
            }
        }
    }

    @Test func classifiesTheLandmarks() {
        #expect(YinYang.classify(x: 0.25, y: 0.5) == 2)  // centre of the left dot
        #expect(YinYang.classify(x: 0.75, y: 0.5) == 2)  // centre of the right dot
        #expect(YinYang.classify(x: 0.25, y: 0.35) == 1)  // left half-disc, below the dot
        #expect(YinYang.classify(x: 0.75, y: 0.35) == 0)  // right half-disc, below the dot
        #expect(YinYang.classify(x: 0.5, y: 0.9) == 1)  // top of the big circle
        #expect(YinYang.classify(x: 0.5, y: 0.1) == 0)  // bottom of the big circle
    }
}
