// Command+Dataset: `neuromesh dataset`, printing the Yin-Yang samples or MNIST class counts.

import Training

let datasetCommand = Command(
    name: "dataset",
    summary: "print the samples of a dataset (Yin-Yang) or its class counts (MNIST)",
    help: """
        neuromesh dataset: print a dataset used for training.

        Usage: neuromesh dataset yinyang --split train|validation|test [--csv] [--count K]
               neuromesh dataset mnist --data-dir DIR --split train|test [--count K]

        yinyang
          Generates one of the published Yin-Yang splits (Kriener, Göltz & Petrovici 2021)
          bit-exactly: train 5000 samples (seed 42), validation 1000 (seed 41), test 1000
          (seed 40). Each sample is printed as x, y, 1-x, 1-y and its label (0, 1, or 2 for
          the dots); numbers are the shortest text that reads back as the same double.
          Default output is an aligned table followed by a line with the class counts.

        mnist
          Reads the MNIST IDX files (uncompressed, original names) from DIR and prints how
          many images there are of each digit. train: train-images.idx3-ubyte and
          train-labels.idx1-ubyte; test: t10k-images.idx3-ubyte and t10k-labels.idx1-ubyte.

        Options:
          --split NAME     the split to print (required)
          --csv            yinyang only: comma-separated values with the header line
                           x,y,1-x,1-y,label and no summary line
          --count K        use only the first K samples (at most all of the split; default: all)
          --data-dir DIR   mnist only: the directory holding the IDX files (required)

        Exit status: 0 success, 1 unreadable or malformed data files, 2 wrong arguments.

        Examples:
          neuromesh dataset yinyang --split test --csv > yinyang-test.csv
          neuromesh dataset mnist --data-dir ~/data/mnist --split train

        """,
    run: { arguments, console in try runDataset(&arguments, console) })

private func runDataset(_ arguments: inout Arguments, _ console: Console) throws(CLIError) -> Int32 {
    let split = try arguments.option("split")
    let csv = try arguments.flag("csv")
    let directory = try arguments.option("data-dir")
    if directory == "" { throw .usage("--data-dir needs a directory path, got ''") }
    if let directory, let problem = OutputPath.notADirectory(directory) { throw .failure("--data-dir \(directory): \(problem)") }
    let count = try arguments.option("count").map { text throws(CLIError) in
        guard let value = Int(text), value >= 0 else {
            throw .usage("--count must be a non-negative integer, got '\(text)'")
        }
        return value
    }
    let dataset = try arguments.positional("dataset name (yinyang or mnist)")
    try arguments.finish()

    switch dataset {
    case "yinyang":
        if directory != nil { throw .usage("--data-dir applies only to mnist") }
        let split = try YinYang.Split(rawValue: checkedSplit(split, YinYang.Split.allCases.map(\.rawValue)))!
        var samples = YinYang.generate(split: split)
        if let count {
            guard count <= samples.count else {
                throw .usage("--count must be an integer in 0...\(samples.count) (the \(split.rawValue) split has \(samples.count) samples), got '\(count)'")
            }
            samples = Array(samples.prefix(count))
        }
        console.out(csv ? yinYangCSV(samples) : yinYangTable(samples, split: split))
    case "mnist":
        if csv { throw .usage("--csv applies only to yinyang") }
        guard let directory else { throw .usage("missing required option --data-dir") }
        let split = try MNIST.Split(rawValue: checkedSplit(split, MNIST.Split.allCases.map(\.rawValue)))!
        var images: MNIST
        do {
            images = try MNIST.load(directory: directory, split: split)
        } catch {
            throw .failure(error.description)
        }
        let total = images.count
        if let count {
            guard count <= total else {
                throw .usage("--count must be an integer in 0...\(total) (the \(split.rawValue) split has \(total) images), got '\(count)'")
            }
            if count < total { images = images.subset(0..<count) }
        }
        console.out(mnistSummary(images, split: split, total: total))
    default:
        throw .usage("unknown dataset '\(dataset)', expected yinyang or mnist")
    }
    return 0
}

/// `--split`, which must be given and be one of `choices`.
private func checkedSplit(_ text: String?, _ choices: [String]) throws(CLIError) -> String {
    guard let text else { throw .usage("missing required option --split") }
    guard choices.contains(text) else {
        throw .usage("--split must be one of \(choices.joined(separator: ", ")), got '\(text)'")
    }
    return text
}

private let yinYangColumns = ["x", "y", "1-x", "1-y", "label"]

private func yinYangRow(_ sample: YinYangSample) -> [String] {
    sample.features.map { "\($0)" } + ["\(sample.label)"]
}

/// One header line, then one line per sample: `x,y,1-x,1-y,label`.
private func yinYangCSV(_ samples: [YinYangSample]) -> String {
    var text = yinYangColumns.joined(separator: ",") + "\n"
    for sample in samples { text += yinYangRow(sample).joined(separator: ",") + "\n" }
    return text
}

/// An aligned table with a sample index, then a line with the class counts.
private func yinYangTable(_ samples: [YinYangSample], split: YinYang.Split) -> String {
    let header = ["index"] + yinYangColumns
    let rows = samples.enumerated().map { ["\($0.offset)"] + yinYangRow($0.element) }
    var widths = header.map(\.count)
    for row in rows {
        for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        let index = cells[0].leftPadded(to: widths[0])
        let rest = cells.indices.dropFirst().map { cells[$0].padding(toLength: widths[$0]) }
        return ([index] + rest).joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }
    var text = line(header)
    for row in rows { text += line(row) }
    let counts = YinYang.classCounts(samples).enumerated().map { "class \($0.offset): \($0.element)" }
    text += "\(samples.count) samples (Yin-Yang \(split.rawValue), seed \(split.seed)); "
        + counts.joined(separator: ", ") + "\n"
    return text
}

/// Images per digit as a two-column table with a total.
private func mnistSummary(_ images: MNIST, split: MNIST.Split, total: Int) -> String {
    let scope = images.count == total ? "\(total) images" : "first \(images.count) of \(total) images"
    var text = "MNIST \(split.rawValue): \(scope) of \(MNIST.rows)×\(MNIST.columns)\n"
    let width = max(5, String(images.count).count)
    func pad(_ value: Int) -> String { String(value).leftPadded(to: width) }
    text += "digit  " + "count".leftPadded(to: width) + "\n"
    for (digit, count) in images.classCounts.enumerated() { text += "    \(digit)  \(pad(count))\n" }
    text += "total  \(pad(images.count))\n"
    return text
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
