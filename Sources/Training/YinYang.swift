// YinYang: the Yin-Yang dataset of Kriener, Göltz & Petrovici (2021), reproduced bit-exactly.

/// One Yin-Yang point: coordinates in the unit square and its class.
public struct YinYangSample: Sendable, Equatable {
    /// Horizontal coordinate, in `[0, 1)`.
    public var x: Double
    /// Vertical coordinate, in `[0, 1)`.
    public var y: Double
    /// The class: 0 = the region outside the "yin" set, 1 = the "yin" region, 2 = the two dots.
    public var label: Int

    public init(x: Double, y: Double, label: Int) {
        self.x = x
        self.y = y
        self.label = label
    }

    /// The four network features `[x, y, 1 − x, 1 − y]`, each in `[0, 1]`.
    public var features: [Double] { [x, y, 1 - x, 1 - y] }
}

/// The Yin-Yang classification dataset (arXiv 2102.08211; lkriener/yin_yang_data_set `dataset.py`),
/// generated exactly as the reference code does with numpy's legacy `RandomState` (eventprop.md §7).
///
/// Geometry: a big circle of radius `r_big = 0.5` centred at `(0.5, 0.5)` in the square `[0, 1]²`,
/// dots of radius `r_small = 0.1` centred at `(0.25, 0.5)` and `(0.75, 0.5)`. With
/// `d_r = |(x, y) − (0.75, 0.5)|` and `d_l = |(x, y) − (0.25, 0.5)|`:
///
///     label = 2                         if d_r < r_small or d_l < r_small      (a dot)
///           = 1                         if d_r ≤ r_small
///                                       or (r_small < d_l ≤ 0.25)
///                                       or (y > 0.5 and d_r > 0.25)           ("yin")
///           = 0                         otherwise
///
/// Generation: for each sample the class `goal = randint(3)` is drawn first, then points
/// `x, y = rand(2) · 2 r_big` (x before y) are drawn until one lies inside the big circle and has
/// class `goal`. The classes are therefore balanced in expectation, not exactly.
///
/// The published splits (``Split``) come out identical to the `publication_data/*.npy` files:
/// class counts train 1681/1702/1617, validation 316/336/348, test 350/316/334.
public enum YinYang {
    /// Radius of the big circle.
    public static let bigRadius = 0.5
    /// Radius of the two dots.
    public static let smallRadius = 0.1
    /// Number of classes.
    public static let classCount = 3

    /// The published splits with their generator seeds and sizes.
    public enum Split: String, CaseIterable, Sendable {
        case train, validation, test

        /// The `RandomState` seed: 42, 41, 40.
        public var seed: UInt32 {
            switch self {
            case .train: 42
            case .validation: 41
            case .test: 40
            }
        }

        /// Number of samples: 5000, 1000, 1000.
        public var size: Int {
            switch self {
            case .train: 5000
            case .validation, .test: 1000
            }
        }
    }

    /// The published split `split` (bit-exact with the reference files).
    /// - Complexity: O(size); each sample needs on average about 2.6 rejection-sampling draws.
    public static func generate(split: Split) -> [YinYangSample] {
        generate(seed: split.seed, size: split.size)
    }

    /// `size` samples from `RandomState(seed)`, as the reference `YinYangDataset(size:seed:)`.
    public static func generate(seed: UInt32, size: Int) -> [YinYangSample] {
        precondition(size >= 0, "YinYang.generate needs a non-negative size")
        var rng = MersenneTwister(seed: seed)
        var samples: [YinYangSample] = []
        samples.reserveCapacity(size)
        for _ in 0..<size {
            let goal = Int(rng.integer(below: UInt32(classCount)))
            while true {
                let x = rng.uniform() * 2 * bigRadius
                let y = rng.uniform() * 2 * bigRadius
                if distance(x - bigRadius, y - bigRadius) > bigRadius { continue }
                let label = classify(x: x, y: y)
                if label == goal {
                    samples.append(YinYangSample(x: x, y: y, label: label))
                    break
                }
            }
        }
        return samples
    }

    /// The class of a point inside the big circle (see the formulas in ``YinYang``). Points
    /// outside the big circle get a label too but are never generated.
    public static func classify(x: Double, y: Double) -> Int {
        let right = distance(x - 1.5 * bigRadius, y - bigRadius)
        let left = distance(x - 0.5 * bigRadius, y - bigRadius)
        if right < smallRadius || left < smallRadius { return 2 }
        let inRightDot = right <= smallRadius
        let inLeftHalfDisc = left > smallRadius && left <= 0.5 * bigRadius
        let inUpperHalf = y > bigRadius && right > 0.5 * bigRadius
        return inRightDot || inLeftHalfDisc || inUpperHalf ? 1 : 0
    }

    /// Number of samples of each class, indexed by label.
    public static func classCounts(_ samples: [YinYangSample]) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for sample in samples { counts[sample.label] += 1 }
        return counts
    }

    /// `sqrt(dx² + dy²)` computed as numpy does (`(dx)**2 + (dy)**2`, then a correctly rounded
    /// square root), not `hypot`, so that boundary decisions match the reference bit for bit.
    @inline(__always)
    static func distance(_ dx: Double, _ dy: Double) -> Double {
        (dx * dx + dy * dy).squareRoot()
    }
}
