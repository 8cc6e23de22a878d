/** OCI image references, the distribution protocol and digest-preserving copies. Depends on nothing of Layercake's. */
package dev.layercake.registry;
