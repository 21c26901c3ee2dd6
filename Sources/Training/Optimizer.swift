// Optimizer: the weight updates applied once per batch (SGD, SGD with momentum, Adam).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The update rule applied to every weight once per batch, given the batch gradient `g`.
public enum OptimizerKind: Sendable, Equatable {
    /// `w ← w − η g`.
    case sgd
    /// `v ← μ v + g`, `w ← w − η v`.
    case momentum(Double)
    /// Adam (Kingma & Ba 2015): `m ← β1 m + (1 − β1) g`, `v ← β2 v + (1 − β2) g²`,
    /// `w ← w − η m̂ / (√v̂ + ε)` with bias-corrected `m̂ = m/(1 − β1ᵗ)`, `v̂ = v/(1 − β2ᵗ)`.
    case adam(beta1: Double, beta2: Double, epsilon: Double)

    /// The paper's Adam: β = (0.9, 0.999), ε = 1e-8 (eventprop.md §8).
    public static let paperAdam = OptimizerKind.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)

    /// State words kept per weight (learning state in synapse memory: 0, 1 or 2).
    public var stateWords: Int {
        switch self {
        case .sgd: return 0
        case .momentum: return 1
        case .adam: return 2
        }
    }
}

/// An optimizer with its per-weight state, for the weights of every projection.
public struct Optimizer: Sendable, Equatable {
    public let kind: OptimizerKind
    /// Per projection, per weight: first and second moment (Adam) or velocity (momentum).
    public internal(set) var first: [[Double]]
    public internal(set) var second: [[Double]]
    /// Updates applied so far (Adam's bias correction).
    public internal(set) var step: Int = 0

    public init(kind: OptimizerKind, shapes: [Int]) {
        self.kind = kind
        first = kind.stateWords >= 1 ? shapes.map { Array(repeating: 0, count: $0) } : shapes.map { _ in [] }
        second = kind.stateWords >= 2 ? shapes.map { Array(repeating: 0, count: $0) } : shapes.map { _ in [] }
    }

    /// Applies one update with learning rate `rate` to `weights` from the batch gradient `gradient`.
    ///
    /// - Precondition: `weights` and `gradient` have the `shapes` the optimizer was made for
    ///   (one array per projection, of its synapse count); otherwise the call traps.
    public mutating func update(_ weights: inout [[Double]], gradient: [[Double]], rate: Double) {
        step += 1
        switch kind {
        case .sgd:
            for p in weights.indices {
                for s in weights[p].indices { weights[p][s] -= rate * gradient[p][s] }
            }
        case .momentum(let mu):
            for p in weights.indices {
                for s in weights[p].indices {
                    first[p][s] = mu * first[p][s] + gradient[p][s]
                    weights[p][s] -= rate * first[p][s]
                }
            }
        case .adam(let beta1, let beta2, let epsilon):
            let c1 = 1 - pow(beta1, Double(step))
            let c2 = 1 - pow(beta2, Double(step))
            for p in weights.indices {
                for s in weights[p].indices {
                    let g = gradient[p][s]
                    first[p][s] = beta1 * first[p][s] + (1 - beta1) * g
                    second[p][s] = beta2 * second[p][s] + (1 - beta2) * g * g
                    weights[p][s] -= rate * (first[p][s] / c1) / ((second[p][s] / c2).squareRoot() + epsilon)
                }
            }
        }
    }
}
