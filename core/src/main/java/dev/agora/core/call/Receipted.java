package dev.agora.core.call;

import dev.agora.chain.Receipt;
import dev.agora.rtfs.Value;

/**
 * A call's result and its receipt (issue 14), from {@link CallPath#callWithReceipt}.
 *
 * @param receipt signed, or to be completed by an inclusion proof (see {@link Receipt}); null when
 *     receipts are off
 */
public record Receipted(Value result, Receipt receipt) {}
