/** The marketplace core. */
package dev.agora.core;
