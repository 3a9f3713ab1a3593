/**
 * A 1x1 transparent GIF89a (43 bytes): a two-colour global palette, a graphic control extension
 * that marks colour 0 transparent, and one LZW-coded pixel of colour 0.
 */
export const TRANSPARENT_GIF = Buffer.from(
  '47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b',
  'hex',
);
