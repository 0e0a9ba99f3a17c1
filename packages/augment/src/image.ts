// The two pixel buffers the engine works on.

/** A decoded image: 8-bit RGB, interleaved HWC, `data.length === width * height * 3`. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A view being augmented: float32 RGB in [0, 1], interleaved HWC, `data.length === width * height * 3`. */
export interface ViewImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** torchvision's `rgb_to_grayscale` weights (ITU-R 601-2 luma, as torchvision rounds them). */
export const LUMA_R = 0.2989;
export const LUMA_G = 0.587;
export const LUMA_B = 0.114;
