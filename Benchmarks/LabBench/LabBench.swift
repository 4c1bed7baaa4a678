import RoPELab
let a = CommandLine.arguments
func arg(_ i: Int, _ d: String) -> String { a.count > i ? a[i] : d }
LabDev.run(steps: Int(arg(1, "300"))!, seed: UInt64(arg(2, "1"))!, base: Double(arg(3, "10000"))!, distinct: arg(4, "0") == "1",
           lr: Double(arg(5, "3e-3"))!, pk: Int(arg(6, "8"))!)
