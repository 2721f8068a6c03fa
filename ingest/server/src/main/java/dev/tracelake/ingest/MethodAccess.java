package dev.tracelake.ingest;

import dev.tracelake.proto.v1.Access;
import dev.tracelake.proto.v1.AccessProto;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;

/**
 * The access class an RPC declares in the contract ({@code option (tracelake.v1.access)}), for an
 * authorizing interceptor: it classifies each call from its method descriptor, so a new RPC needs
 * no list kept in step with the protos.
 */
public final class MethodAccess {
  private MethodAccess() {}

  /**
   * Returns the access the method declares; {@link Access#ACCESS_UNSPECIFIED} when it declares none
   * or is not a proto method (an authorizer should then require admin).
   */
  public static Access of(MethodDescriptor<?, ?> method) {
    if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier proto) {
      return proto.getMethodDescriptor().getOptions().getExtension(AccessProto.access);
    }
    return Access.ACCESS_UNSPECIFIED;
  }
}
