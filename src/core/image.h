/*
 * image.h — what the header of an uploaded image says about it, read from
 * the bytes without decoding the picture: its width and height in pixels.
 * Which type the bytes are is libmagic's answer (src/http/h_photos.c);
 * this only reads the dimensions of the three types photos may have.
 */
#ifndef GG_IMAGE_H
#define GG_IMAGE_H

#include <stddef.h>

enum image_type {
    IMAGE_NONE = 0,
    IMAGE_JPEG,
    IMAGE_PNG,
    IMAGE_WEBP,
};

/* The type of a MIME type name ("image/jpeg", "image/png", "image/webp"), IMAGE_NONE otherwise. */
enum image_type image_type_of(const char *mime);

/* The MIME type name of t, "" for IMAGE_NONE. */
const char *image_mime(enum image_type t);

/*
 * Width and height of the image p[0..n) of type t from its header: PNG's
 * IHDR, JPEG's first start-of-frame marker, WebP's VP8, VP8L or VP8X
 * chunk. 0 and both written, or GG_ENOTFOUND when the header is missing,
 * truncated or says 0 (the outputs are then untouched).
 */
int image_dims(enum image_type t, const unsigned char *p, size_t n, int *width, int *height);

#endif
