class Device:
    name = "accel"
