import Foundation

public enum LabDev {
    public static func run() {
        let r = Lab.run()
        print("cpu", r.cpuSeconds, "wall", r.wallSeconds, "train", r.trainSeconds)
        for s in r.seeds {
            print("seed", s.seed, "final loss", s.trainingLoss.suffix(20).reduce(0, +) / 20)
            for sc in s.zeroShot + s.fineTuneZeroShot + s.fineTuned {
                print(sc.method.padding(toLength: 32, withPad: " ", startingAt: 0), sc.languageLoss.map { String(format: "%.3f", $0) }, sc.ruleAccuracy.map { String(format: "%.3f", $0) }, sc.passkeyMean.map { String(format: "%.2f", $0) })
            }
            print("entropy", s.entropy)
            print("ablation", s.ablationLoss, s.ablationPasskey)
        }
    }
}
