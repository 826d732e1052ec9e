// Runs a .tflite file through Arm NN's TfLite parser and its reference CPU backend (Debian
// libarmnntfliteparser-dev + libarmnn-cpuref-backend22): an independent consumer of our files.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>

// 0: ran, y filled; 77: no reference backend; -1: parse/load/run failed (message printed).
extern "C" int armnn_run(const char *path, const float *x, size_t nx, float *y, size_t ny)
{
    try {
        auto parser = armnnTfLiteParser::ITfLiteParser::Create();
        armnn::INetworkPtr net = parser->CreateNetworkFromBinaryFile(path);
        auto in = parser->GetNetworkInputBindingInfo(0, parser->GetSubgraphInputTensorNames(0)[0]);
        auto out = parser->GetNetworkOutputBindingInfo(0, parser->GetSubgraphOutputTensorNames(0)[0]);
        if (in.second.GetNumElements() != nx || out.second.GetNumElements() != ny) {
            std::fprintf(stderr, "armnn: input/output sizes %u/%u, expected %zu/%zu\n",
                         in.second.GetNumElements(), out.second.GetNumElements(), nx, ny);
            return -1;
        }
        armnn::IRuntime::CreationOptions opts;
        armnn::IRuntimePtr rt = armnn::IRuntime::Create(opts);
        if (!rt->GetDeviceSpec().GetSupportedBackends().count(armnn::Compute::CpuRef))
            return 77;
        armnn::IOptimizedNetworkPtr opt =
            armnn::Optimize(*net, {armnn::Compute::CpuRef}, rt->GetDeviceSpec());
        armnn::NetworkId id;
        if (!opt || rt->LoadNetwork(id, std::move(opt)) != armnn::Status::Success) {
            std::fprintf(stderr, "armnn: could not load the network\n");
            return -1;
        }
        armnn::InputTensors ins{{in.first, armnn::ConstTensor(in.second, x)}};
        armnn::OutputTensors outs{{out.first, armnn::Tensor(out.second, y)}};
        if (rt->EnqueueWorkload(id, ins, outs) != armnn::Status::Success) {
            std::fprintf(stderr, "armnn: inference failed\n");
            return -1;
        }
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "armnn: %s\n", e.what());
        return -1;
    }
}
