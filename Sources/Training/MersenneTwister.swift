// MersenneTwister: MT19937 with numpy's legacy `RandomState` conversions, for bit-exact datasets.

/// The 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura 1998, doi:10.1145/272991.272995),
/// seeded like the reference `init_genrand`, with the two conversions of numpy's legacy
/// `numpy.random.RandomState` that the Yin-Yang generator needs (eventprop.md §7).
///
/// `MersenneTwister(seed: s)` produces the same 32-bit stream as `RandomState(s)` for any
/// `s` in `0 ..< 2^32` (numpy seeds an integer with `init_genrand`, not `init_by_array`), and
/// the default-constructed C++ `std::mt19937` stream for `s = 5489`.
///
/// Not a cryptographic generator. Not thread-safe: a value type, mutate one copy per thread.
public struct MersenneTwister: Sendable {
    /// Degree of recurrence n (words of state).
    static let n = 624
    /// Middle word offset m.
    static let m = 397
    static let matrixA: UInt32 = 0x9908_B0DF
    static let upperMask: UInt32 = 0x8000_0000
    static let lowerMask: UInt32 = 0x7FFF_FFFF

    private var state: [UInt32]
    /// Index of the next state word to temper; `n` means the state must be regenerated first.
    private var index: Int

    /// Seeds like `init_genrand(seed)`: `mt[0] = seed`,
    /// `mt[i] = 1812433253 · (mt[i−1] ⊕ (mt[i−1] >> 30)) + i  (mod 2^32)`.
    public init(seed: UInt32) {
        var state = [UInt32](repeating: 0, count: Self.n)
        state[0] = seed
        for i in 1..<Self.n {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        self.state = state
        self.index = Self.n
    }

    /// The next tempered 32-bit output.
    /// - Complexity: amortised O(1); every 624th call regenerates the whole state.
    public mutating func next() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index &+= 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A uniform double in `[0, 1)` with 53 random bits, numpy's legacy `random_sample()`/`rand()`:
    /// `((a >> 5) · 2^26 + (b >> 6)) / 2^53` from two consecutive outputs `a`, `b` (in that order).
    public mutating func uniform() -> Double {
        let a = next() >> 5
        let b = next() >> 6
        return (Double(a) * 67_108_864.0 + Double(b)) / 9_007_199_254_740_992.0
    }

    /// A uniform integer in `0 ..< bound`, numpy's legacy `randint(bound)`: masked rejection
    /// sampling, `r = next() & mask` until `r < bound`, where `mask` is the smallest `2^k − 1`
    /// that is `≥ bound − 1` (for `bound = 3`, `mask = 3`). `bound = 1` returns 0 and consumes
    /// no output, as numpy does.
    /// - Precondition: `bound > 0`.
    /// - Complexity: expected fewer than 2 outputs per call.
    public mutating func integer(below bound: UInt32) -> UInt32 {
        precondition(bound > 0, "MersenneTwister.integer(below:) needs a positive bound")
        let largest = bound - 1
        if largest == 0 { return 0 }
        var mask = largest
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        while true {
            let r = next() & mask
            if r <= largest { return r }
        }
    }

    /// Regenerates all `n` state words (the MT19937 recurrence).
    private mutating func twist() {
        let n = Self.n
        let m = Self.m
        for i in 0..<n {
            let y = (state[i] & Self.upperMask) | (state[(i + 1) % n] & Self.lowerMask)
            var value = state[(i + m) % n] ^ (y >> 1)
            if y & 1 != 0 { value ^= Self.matrixA }
            state[i] = value
        }
        index = 0
    }
}
