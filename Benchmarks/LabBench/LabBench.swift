import RoPELab
LabDev.run()
