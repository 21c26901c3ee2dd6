// Temporary: replaced command by command as they are implemented.
let simulateCommand = Command(name: "simulate", summary: "run a network on an input (functional reference)", help: "", run: { _, _ in 1 })
let gradCommand = Command(name: "grad", summary: "EventProp gradients of a loss", help: "", run: { _, _ in 1 })
let initNetworkCommand = Command(name: "init-network", summary: "write a random network", help: "", run: { _, _ in 1 })
